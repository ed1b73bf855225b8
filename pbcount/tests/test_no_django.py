"""The counting core stays pure Python: importing it loads no Django."""

import subprocess
import sys


def test_importing_pbcount_loads_no_django():
    code = (
        "import sys, pbcount, pbcount.pabulib, pbcount.rules, pbcount.cli, pbcount.tiebreak\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'pabutools', 'pulp'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
