from backend.demo.command import main

raise SystemExit(main())
