# Runs AWS CLI commands through the CLI's own entry point (what the `aws` script calls), many in one Python process:
# each request a JSON line on stdin, {"args": [...], "env": {...}}, each answer a JSON line, {"code", "stdout", "stderr"}.
import contextlib
import io
import json
import os
import sys

inherited = dict(os.environ)
from awscli.clidriver import main

# What importing the CLI sets for itself (its data path), as it would in each `aws` process.
own = {name: value for name, value in os.environ.items() if inherited.get(name) != value}
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    # The command line and exactly the environment of a new `aws` process; main() makes a fresh driver and session.
    sys.argv = ["aws", *request["args"]]
    os.environ.clear()
    os.environ.update(request["env"], **own)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main()
        except SystemExit as exit:
            code = 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
    print(json.dumps({"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}), flush=True)
