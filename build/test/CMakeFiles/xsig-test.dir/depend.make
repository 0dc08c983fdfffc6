# Empty dependencies file for xsig-test.
# This may be replaced when dependencies are built.
