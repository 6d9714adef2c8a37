from cryqueue.cli import main

raise SystemExit(main())
