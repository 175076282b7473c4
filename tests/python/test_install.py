"""meson install puts the package where /usr/bin/python3 looks for it, and
the installed package imports and works."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD_ROOT


def test_install_destdir(tmp_path):
    meson = shutil.which('meson')
    if not meson or not os.path.exists(os.path.join(BUILD_ROOT,
                                                    'build.ninja')):
        pytest.skip('needs meson and a configured build tree')
    dest = tmp_path / 'dest'
    p = subprocess.run([meson, 'install', '-C', BUILD_ROOT, '--no-rebuild',
                        '--quiet', '--destdir', str(dest)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    assert p.returncode == 0, p.stdout
    [init] = glob.glob(f'{dest}/**/fluxacct/__init__.py', recursive=True)
    site = os.path.dirname(os.path.dirname(init))
    assert glob.glob(f'{site}/fluxacct/_fluxacct*.so')
    [lib] = glob.glob(f'{dest}/**/libfluxacct.so.1', recursive=True)
    installed_site = '/' + os.path.relpath(site, dest)
    if installed_site.startswith(('/usr/lib/', '/usr/local/lib/')):
        # a system prefix: the interpreter searches that directory itself
        assert installed_site in sys.path
    env = {'PATH': '/usr/bin:/bin', 'PYTHONPATH': site,
           'LD_LIBRARY_PATH': os.path.dirname(lib)}
    code = ('import fluxacct, sys; '
            'fluxacct.create_db(sys.argv[1]); '
            'db = fluxacct.Database(sys.argv[1]); db.add_bank("root"); '
            'print(fluxacct.__file__, db.list_banks()[0]["bank"])')
    p = subprocess.run([sys.executable, '-c', code, str(tmp_path / 'i.db')],
                       env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    assert p.stdout.split() == [init, 'root']
    tool = glob.glob(f'{dest}/**/libfluxacct/bulk_update.py', recursive=True)
    assert tool and os.access(tool[0], os.X_OK)
