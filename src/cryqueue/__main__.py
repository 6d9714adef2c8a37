from cryqueue.launch import main

raise SystemExit(main())
