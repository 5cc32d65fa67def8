# Sourced by run.sh and test.sh: create .venv on first use (PYTHON picks the interpreter), activate it,
# and bring pip up to date.
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
