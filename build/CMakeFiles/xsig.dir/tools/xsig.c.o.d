CMakeFiles/xsig.dir/tools/xsig.c.o: /work/main/tools/xsig.c \
 /usr/include/stdc-predef.h
