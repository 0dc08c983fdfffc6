# Empty dependencies file for xsig.
# This may be replaced when dependencies are built.
