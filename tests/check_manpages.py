#!/usr/bin/python3
"""The manual pages cover the command line and the C API.

usage: check_manpages.py FLUX_ACCOUNT DOC_SRC_DIR INCLUDE_DIR [DOC_BUILD_DIR]

- every subcommand that `flux-account --help` lists has a page
  doc/man1/flux-account-SUBCOMMAND.1.scd with the usual sections;
- every option that `flux-account SUBCOMMAND --help` prints has an entry in
  that page's OPTIONS section written exactly as --help writes it (short
  and long form, and the argument name): `-u, --username=USER`; and the
  OPTIONS section documents no option --help does not print;
- flux-account.1 names every subcommand and documents the global options
  the same way;
- libfluxacct.3 names every function the public headers declare;
- with DOC_BUILD_DIR (meson built the pages with scdoc): every .scd has its
  roff page, and each page renders with man(1) (or groff) without warnings.

Subcommands added on other branches have their pages already; they are
checked as soon as the CLI lists them."""
import glob
import os
import re
import shutil
import subprocess
import sys

cli, docdir, incdir = sys.argv[1:4]
builddir = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
errors = []


def help_text(*args):
    r = subprocess.run([cli, *args, '--help'], capture_output=True, text=True)
    if r.returncode != 0:
        errors.append(f'{" ".join(["flux-account", *args, "--help"])} '
                      f'exited {r.returncode}')
    return r.stdout


# An option line of --help: "  -u, --username=USER   help" or
# "      --fields=LIST   help".
OPT_RE = re.compile(r'^ {2}((?:-[A-Za-z0-9]+, )?--[a-z0-9-]+(?:=\S+)?|'
                    r' {4}--[a-z0-9-]+(?:=\S+)?)(?:\s|$)')


def help_options(text):
    """The left column of each option line, as --help prints it."""
    opts = []
    for line in text.splitlines():
        m = OPT_RE.match(line)
        if m:
            opts.append(m.group(1).strip())
    return opts


def unformat(s):
    """scdoc source text as it reads: no *bold*, _underline_ or escapes."""
    s = s.replace('*', '')
    s = re.sub(r'(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])', '', s)
    return re.sub(r'\\(.)', r'\1', s).strip()


def sections(path):
    """{SECTION NAME: text} of an scdoc page."""
    out, name = {}, None
    for line in open(path, encoding='utf-8'):
        m = re.match(r'^# (.+?)\s*$', line)
        if m:
            name = m.group(1)
            out[name] = ''
        elif name:
            out[name] += line
    return out


def option_entries(text):
    """Option entries of an OPTIONS section: unindented lines that start
    with a dash (possibly bold)."""
    return [unformat(line) for line in text.splitlines()
            if re.match(r'^\*?-', line)]


def check_options(page, label, want, text):
    have = option_entries(text)
    for opt in want:
        if opt not in have:
            errors.append(f'{page}: {label}: option "{opt}" is not '
                          f'documented (expected an entry line '
                          f'"{opt}" in OPTIONS)')
    for opt in have:
        if opt not in want:
            errors.append(f'{page}: {label}: documents "{opt}", which '
                          f'--help does not print')


# ---- the subcommands ---------------------------------------------------
top = help_text()
subcommands = []
in_subs = False
for line in top.splitlines():
    if line.startswith('Subcommands:'):
        in_subs = True
    elif in_subs and re.match(r'^  [a-z]', line):
        subcommands.append(line.split()[0])
if not subcommands:
    errors.append('flux-account --help lists no subcommands')

REQUIRED = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS',
            'SEE ALSO']
for sub in subcommands:
    name = f'flux-account-{sub}'
    page = os.path.join(docdir, 'man1', name + '.1.scd')
    if not os.path.exists(page):
        errors.append(f'{sub}: no page {os.path.relpath(page, docdir)}')
        continue
    first = open(page, encoding='utf-8').readline()
    if not first.startswith(f'{name}(1)'):
        errors.append(f'{page}: preamble is not "{name}(1)"')
    secs = sections(page)
    for s in REQUIRED:
        if s not in secs:
            errors.append(f'{page}: no "# {s}" section')
    if not secs.get('NAME', '').strip().startswith(f'{name} - '):
        errors.append(f'{page}: NAME does not read "{name} - ..."')
    if not re.search(rf'(?<![\w-]){re.escape(sub)}(?![\w-])',
                     unformat(secs.get('SYNOPSIS', ''))):
        errors.append(f'{page}: SYNOPSIS does not name {sub}')
    check_options(page, sub, help_options(help_text(sub)),
                  secs.get('OPTIONS', ''))

# ---- flux-account(1) ---------------------------------------------------
main_page = os.path.join(docdir, 'man1', 'flux-account.1.scd')
if not os.path.exists(main_page):
    errors.append('no page man1/flux-account.1.scd')
else:
    secs = sections(main_page)
    text = unformat(open(main_page, encoding='utf-8').read())
    for sub in subcommands:
        if not re.search(rf'(?<![\w-]){re.escape(sub)}(?![\w-])', text):
            errors.append(f'{main_page}: subcommand {sub} is not listed')
        if f'flux-account-{sub}(1)' not in text:
            errors.append(f'{main_page}: no reference to '
                          f'flux-account-{sub}(1)')
    global_opts = help_options(top.split('Subcommands:')[0])
    check_options(main_page, 'global options', global_opts,
                  secs.get('OPTIONS', ''))

# ---- libfluxacct(3) ----------------------------------------------------
lib_page = os.path.join(docdir, 'man3', 'libfluxacct.3.scd')
if not os.path.exists(lib_page):
    errors.append('no page man3/libfluxacct.3.scd')
else:
    text = open(lib_page, encoding='utf-8').read()
    declared = set()
    for h in glob.glob(os.path.join(incdir, 'fluxacct', '*.h')) + \
            glob.glob(os.path.join(incdir, 'fluxacct', '*.h.in')):
        src = re.sub(r'/\*.*?\*/', '', open(h).read(), flags=re.S)
        src = re.sub(r'#define[^\n]*(\\\n[^\n]*)*', '', src)
        declared |= set(re.findall(r'\b(fluxacct_[a-z0-9_]+)\s*\(', src))
        header = 'fluxacct/' + os.path.basename(h).replace('.h.in', '.h')
        if header not in text:
            errors.append(f'{lib_page}: header {header} is not described')
    for fn in sorted(declared):
        if not re.search(rf'\b{fn}\b', text):
            errors.append(f'{lib_page}: function {fn}() is not described')

# ---- the built pages -----------------------------------------------------
sources = sorted(glob.glob(os.path.join(docdir, 'man*', '*.scd')))
rendered = 0
if builddir:
    man = shutil.which('man')
    groff = shutil.which('groff')
    for src in sources:
        out = os.path.join(builddir, os.path.basename(src)[:-len('.scd')])
        if not os.path.exists(out) or os.path.getsize(out) == 0:
            errors.append(f'{src}: not built ({out} is missing or empty; '
                          f'is it listed in doc/meson.build?)')
            continue
        if man:
            cmd = [man, '--warnings', '-l', out]
        elif groff:
            cmd = [groff, '-man', '-Tutf8', '-ww', '-z', out]
        else:
            continue
        env = dict(os.environ, MANWIDTH='80', MAN_KEEP_FORMATTING='0',
                   MANPAGER='cat', PAGER='cat', LC_ALL='C.UTF-8')
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0 or r.stderr.strip():
            errors.append(f'{out}: does not render cleanly: '
                          f'{r.stderr.strip() or "exit " + str(r.returncode)}')
        else:
            rendered += 1

for e in errors:
    print(e)
print(f'{len(subcommands)} subcommands checked, {len(sources)} page sources, '
      f'{rendered} pages rendered; {len(errors)} problems')
sys.exit(1 if errors else 0)
