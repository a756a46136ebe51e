from ecrfix.cli import main

raise SystemExit(main())
