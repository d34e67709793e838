from bot.cli import main

# Guarded: worker processes are started with "spawn", which imports the parent's __main__.
if __name__ == "__main__":
    raise SystemExit(main())
