# Empty dependencies file for xsig-event-loop.
# This may be replaced when dependencies are built.
