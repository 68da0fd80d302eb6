import sys

from ucj_dash.cli import main

if __name__ == "__main__":
    sys.exit(main())
