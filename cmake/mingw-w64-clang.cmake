# SPDX-License-Identifier: MIT
# Cross-compile for 64-bit Windows with clang targeting mingw-w64 (the
# second Windows compiler; MSVC's proxy with -pedantic): the gcc toolchain's
# settings, Debian's mingw-w64 headers and libraries, run with Wine.
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64.cmake)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-w64-mingw32)
# clang links through mingw-w64's ld, and needs gcc's runtime (libgcc) from
# Debian's gcc-mingw-w64 (the win32 thread model).
file(GLOB xsig_mingw_gcc_dirs /usr/lib/gcc/x86_64-w64-mingw32/*-win32)
list(GET xsig_mingw_gcc_dirs 0 xsig_mingw_gcc_dir)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -L${xsig_mingw_gcc_dir}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-L${xsig_mingw_gcc_dir}")
