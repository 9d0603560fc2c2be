"""A Flask FC custom-runtime echo function, written from the FC contract (shared CONTRACT.md §1–§4).

POST /invoke answers 200 with the event and `x-fc-status: 200`, and prints the FC Start/End lines of each
invocation on stdout as a runtime does. It is served the way Function Compute's own Python custom-runtime example
does it (see `bootstrap`): gunicorn, one worker process with 10 threads, keep-alive 900 s.
"""
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/invoke", methods=["POST"])
def invoke():
    request_id = request.headers.get("x-fc-request-id", "")
    print("FC Invoke Start RequestId: " + request_id)
    body = request.get_data()
    print("FC Invoke End RequestId: " + request_id)
    return Response(body, status=200, headers={"x-fc-status": "200"}, content_type="application/octet-stream")
