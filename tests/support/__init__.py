"""Test support: launchers for the real nodes the suite starts itself, and fixture builders.
Plain Python (context managers), so that scripts that regenerate fixtures can use them too."""
