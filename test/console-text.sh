# SPDX-License-Identifier: MIT
# Sourced by the tests that read what Wine's console wrote to a terminal
# (script(1)): that text has cursor sequences in it, spaces drawn as cursor
# moves, and lines wrapped at 80 columns, with the command's and xsig
# run's output interleaved. has TEXT looks for TEXT (written without
# spaces) in $out with all of that taken out.
has() {
  sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g' "$out" | tr -d ' \r\n' | grep -q -- "$1"
}
