CMakeFiles/xsig-worker.dir/examples/worker.c.o: \
 /work/main/examples/worker.c /usr/include/stdc-predef.h
