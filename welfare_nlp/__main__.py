import sys

from welfare_nlp.cli import main

sys.exit(main())
