#!/usr/bin/python3
"""Print the directory, relative to PREFIX, where this interpreter looks for
packages installed under PREFIX.

usage: site_dir.py PREFIX

Debian's python3 searches /usr/local/lib/python3.X/dist-packages and
/usr/lib/python3/dist-packages, while sysconfig (and so meson's default)
names /usr/local/lib/python3/dist-packages for the prefix /usr/local, which
is not searched.  So the answer is taken from sys.path: its first
dist-packages or site-packages entry under PREFIX/lib; when there is none
(a private prefix), sysconfig's platlib for that prefix.
"""
import os
import sys
import sysconfig


def site_dir(prefix):
    prefix = os.path.abspath(prefix)
    for path in sys.path:
        if not path.endswith(('dist-packages', 'site-packages')):
            continue
        rel = os.path.relpath(path, prefix)
        if rel.startswith('lib' + os.sep):
            return rel
    platlib = sysconfig.get_path('platlib', 'posix_prefix',
                                 vars={'base': prefix,
                                       'platbase': prefix})
    return os.path.relpath(platlib, prefix)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(site_dir(sys.argv[1]))
