# A request to the enclosing Flux instance, run with `flux python`:
#     rpc.py TOPIC [PAYLOAD]
# PAYLOAD is sent as given (JSON text, or any other string for malformed
# requests).  Prints the response payload, or "error ERRNO: TEXT" on
# stdout and exits 1.
import sys

import flux

topic = sys.argv[1]
payload = sys.argv[2] if len(sys.argv) > 2 else None
h = flux.Flux()
try:
    resp = h.rpc(topic, payload).get_str()
except OSError as e:
    print(f"error {e.errno}: {e.strerror}")
    sys.exit(1)
print(resp if resp is not None else "")
