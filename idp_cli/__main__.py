from idp_cli.cli.app import main

main()
