#!/usr/bin/env python
from nara.__main__ import main

if __name__ == "__main__":
    main()
