CMakeFiles/xsig-event-loop.dir/examples/event-loop.c.o: \
 /work/main/examples/event-loop.c /usr/include/stdc-predef.h
