// A Go net/http FC custom-runtime echo function, written from the FC contract (shared CONTRACT.md §1–§4) with the
// standard library only: POST /invoke answers 200 with the event and `x-fc-status: 200`, and prints the FC
// Start/End lines of each invocation on stdout as a runtime does.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func port() string {
	if p := os.Getenv("FC_CUSTOM_LISTEN_PORT"); p != "" {
		return p
	}
	if p := os.Getenv("FC_SERVER_PORT"); p != "" {
		return p
	}
	return "9000"
}

func invoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	id := r.Header.Get("x-fc-request-id")
	fmt.Printf("FC Invoke Start RequestId: %s\n", id)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 32<<20))
	if err != nil {
		fmt.Printf("FC Invoke End RequestId: %s, Error: Unhandled function error\n", id)
		w.Header().Set("x-fc-status", "404")
		w.WriteHeader(http.StatusNotFound)
		return
	}
	fmt.Printf("FC Invoke End RequestId: %s\n", id)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("x-fc-status", "200")
	w.Write(body)
}

func main() {
	http.HandleFunc("/invoke", invoke)
	fmt.Println("FunctionCompute go runtime inited.")
	if err := http.ListenAndServe("0.0.0.0:"+port(), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
