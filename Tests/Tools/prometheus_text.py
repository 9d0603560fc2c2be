#!/usr/bin/env python3
"""Independent decoder of the Prometheus text format (0.0.4) for fc-local's metrics tests.

Reads the exposition on stdin with the prometheus-client parser (it shares no code with fc-local) and prints
JSON on stdout:
  {"families": [{"name", "type", "help"}], "samples": [{"name", "labels", "value", "family", "type"}]}
Text the parser rejects exits 1 with the parser's message on stderr.

Usage: curl -s http://127.0.0.1:8000/metrics | python3 Tests/Tools/prometheus_text.py
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    """JSON has no infinities or NaN: those become strings."""
    return value if math.isfinite(value) else str(value)


def main():
    text = sys.stdin.read()
    families, samples = [], []
    try:
        for family in text_string_to_metric_families(text):
            families.append({"name": family.name, "type": family.type, "help": family.documentation})
            for sample in family.samples:
                samples.append({
                    "name": sample.name, "labels": dict(sample.labels), "value": number(sample.value),
                    "family": family.name, "type": family.type,
                })
    except Exception as error:  # the parser raises ValueError and others for malformed lines
        print(f"prometheus_text.py: cannot parse: {error}", file=sys.stderr)
        return 1
    json.dump({"families": families, "samples": samples}, sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
