#!/usr/bin/python3
"""The public headers follow the API rules of libfluxacct(3), "API RULES",
as far as a machine can tell:

- every function is fluxacct_<module>_..., module = the header's name
  (parse.h and json.h: one module per text format);
- every type is fluxacct_<module>..._t (or _f), but for the shared ones;
- no _ex suffix; at most six parameters; a fluxacct_error_t * parameter
  comes last, and a function without one is in NO_ERROR_BUFFER, which
  says why;
- every struct with a body is versioned: `int version` first, a
  FLUXACCT_<TYPE>_VERSION macro and `int fluxacct_<type>_init (T *, int)`;
- no initialiser macros (FLUXACCT_*_INIT).

With SUPPRESSIONS (tests/abi/versioned.suppr), also: the structs whose
growth at the end the abi test lets pass are exactly the versioned ones.

usage: check_api_rules.py INCLUDE_DIR [SUPPRESSIONS]"""
import glob
import os
import re
import sys

FORMAT_MODULES = {'idset', 'r', 'jobspec', 'fsd', 'time', 'jobid'}
SHARED_TYPES = {'fluxacct_progress_f': 'db.h', 'fluxacct_report_f': 'error.h'}
# Structs whose shape is fixed for good instead of versioned.
FIXED_STRUCTS = {'fluxacct_error_t'}  # char text[160], as flux_error_t
# Functions without an error buffer: they fail only for programming errors
# (NULL, an index out of range, an unknown version) or cannot fail.
NO_ERROR_BUFFER = re.compile(
    r'_init$|_clear$|_destroy$|_close$|^fluxacct_rows_|_count$'
    r'|^fluxacct_version|^fluxacct_db_(path|default_path|schema_version'
    r'|set_progress)$|^fluxacct_engine_(has_data|hold_name|services'
    r'|max_wall|next_release)$|^fluxacct_fsd_format$')

errors = []


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    return text


def macros(text):
    return set(re.findall(r'^\s*#\s*define\s+(\w+)', text, flags=re.M))


def body_only(text):
    """The text without preprocessor lines and extern "C" braces."""
    text = re.sub(r'^\s*#[^\n]*(\\\n[^\n]*)*', ' ', text, flags=re.M)
    text = text.replace('extern "C" {', ' ')
    return text


def split_decls(text):
    """Top-level declarations (ended by ';' at brace depth 0)."""
    out, depth, cur = [], 0, []
    for ch in text:
        cur.append(ch)
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth = max(0, depth - 1)
        elif ch == ';' and depth == 0:
            out.append(' '.join(''.join(cur).split()))
            cur = []
    return out


def module_ok(name, module, header):
    if header in ('parse.h', 'json.h'):
        return any(name == f'fluxacct_{m}' or name.startswith(f'fluxacct_{m}_')
                   for m in FORMAT_MODULES)
    if header == 'version.h.in':
        module = 'version'
    return name == f'fluxacct_{module}' or name.startswith(f'fluxacct_{module}_')


def params(decl):
    inner = decl[decl.index('(') + 1:decl.rindex(')')]
    if inner.strip() in ('', 'void'):
        return []
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def check_header(path, funcs, all_macros):
    header = os.path.basename(path)
    module = header.split('.')[0]
    raw = open(path).read()
    text = strip(raw)
    for m in macros(text):
        if re.match(r'FLUXACCT_\w+_INIT$', m):
            errors.append(f'{header}: {m}: an initialiser macro (use an '
                          '_init() function)')
    for decl in split_decls(body_only(text)):
        if decl.startswith('typedef struct {') or decl.startswith('typedef struct{'):
            name = decl.rsplit('}', 1)[1].strip(' ;')
            members = decl[decl.index('{') + 1:decl.rindex('}')]
            first = members.strip().split(';')[0]
            base = name[len('fluxacct_'):-2]
            if name in FIXED_STRUCTS:
                continue
            if not module_ok(name, module, header):
                errors.append(f'{header}: type {name}: not of module {module}')
            if ' '.join(first.split()) != 'int version':
                errors.append(f'{header}: {name}: first member is not '
                              f'`int version` but `{first.strip()}`')
            macro = f'FLUXACCT_{base.upper()}_VERSION'
            if macro not in macros(text):
                errors.append(f'{header}: {name}: no {macro} in this header')
            funcs.setdefault('__structs__', []).append((header, name, base))
            continue
        if decl.startswith('typedef'):
            m = re.search(r'\(\s*\*\s*(\w+)\s*\)', decl) or \
                re.search(r'(\w+)\s*;$', decl)
            name = m.group(1)
            if SHARED_TYPES.get(name) == header:
                continue
            if not module_ok(name, module, header):
                errors.append(f'{header}: type {name}: not of module {module}')
            continue
        if decl.startswith('enum') or '(' not in decl:
            continue
        m = re.search(r'(fluxacct_\w+)\s*\(', decl)
        if not m:
            continue
        name = m.group(1)
        ps = params(decl)
        funcs[name] = (header, decl, ps)
        if not module_ok(name, module, header):
            errors.append(f'{header}: {name}: not fluxacct_{module}_* '
                          '(a function belongs in the header of its module)')
        if name.endswith('_ex'):
            errors.append(f'{header}: {name}: an _ex variant (take an '
                          'options struct instead)')
        if len(ps) > 6:
            errors.append(f'{header}: {name}: {len(ps)} parameters (at most '
                          '6; put the optional ones in an options struct)')
        errs = [i for i, p in enumerate(ps) if 'fluxacct_error_t' in p]
        if errs and errs != [len(ps) - 1]:
            errors.append(f'{header}: {name}: the fluxacct_error_t * is not '
                          'the last parameter')
        if not errs and not NO_ERROR_BUFFER.search(name):
            errors.append(f'{header}: {name}: no fluxacct_error_t * '
                          'parameter (add one, or say in NO_ERROR_BUFFER why '
                          'it cannot fail)')


SELFTEST = {
    'bank.h': ('typedef struct { const char *a; } fluxacct_bank_x_t;\n'
               '#define FLUXACCT_BANK_X_INIT { 0 }\n'
               'int fluxacct_queue_add (int a, fluxacct_error_t *error);\n'
               'int fluxacct_bank_edit_ex (int a, fluxacct_error_t *error);\n'
               'int fluxacct_bank_wide (int a, int b, int c, int d, int e, '
               'int f, fluxacct_error_t *error);\n'
               'int fluxacct_bank_mid (fluxacct_error_t *error, int a);\n'
               'int fluxacct_bank_noerr (int a);\n'
               'typedef struct { int version; } fluxacct_bank_y_t;\n'
               '#define FLUXACCT_BANK_Y_VERSION 1\n'
               'void fluxacct_bank_y_init (fluxacct_bank_y_t *p);\n'),
}
SELFTEST_EXPECT = [
    'FLUXACCT_BANK_X_INIT: an initialiser macro',
    'fluxacct_bank_x_t: first member is not `int version`',
    'fluxacct_bank_x_t: no FLUXACCT_BANK_X_VERSION',
    'fluxacct_bank_x_t: no fluxacct_bank_x_init()',
    'fluxacct_queue_add: not fluxacct_bank_*',
    'fluxacct_bank_edit_ex: an _ex variant',
    'fluxacct_bank_wide: 7 parameters',
    'fluxacct_bank_mid: the fluxacct_error_t * is not the last',
    'fluxacct_bank_noerr: no fluxacct_error_t *',
    'fluxacct_bank_y_init: not `int fluxacct_bank_y_init',
]


def selftest():
    """The checker finds each kind of violation in a made-up header."""
    import tempfile
    global errors
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, 'fluxacct'))
        for name, text in SELFTEST.items():
            with open(os.path.join(d, 'fluxacct', name), 'w') as f:
                f.write(text)
        funcs = {}
        for h in glob.glob(os.path.join(d, 'fluxacct', '*.h')):
            check_header(h, funcs, None)
        check_structs(funcs)
    missing = [e for e in SELFTEST_EXPECT
               if not any(e in line for line in errors)]
    for e in missing:
        print(f'selftest: not reported: {e}')
    print(f'selftest: {len(SELFTEST_EXPECT) - len(missing)} of '
          f'{len(SELFTEST_EXPECT)} violations reported')
    sys.exit(1 if missing else 0)


def check_structs(funcs):
    structs = funcs.pop('__structs__', [])
    for header, name, base in structs:
        init = f'fluxacct_{base}_init'
        if init not in funcs:
            errors.append(f'{header}: {name}: no {init}()')
            continue
        ps = funcs[init][2]
        if len(ps) != 2 or not re.match(rf'{name}\s*\*', ps[0]) \
                or not re.match(r'int\b', ps[1]) \
                or not funcs[init][1].startswith('int '):
            errors.append(f'{funcs[init][0]}: {init}: not `int {init} '
                          f'({name} *, int version)`')
    return structs


def main():
    if sys.argv[1:] == ['--selftest']:
        selftest()
    incdir = sys.argv[1]
    headers = sorted(glob.glob(os.path.join(incdir, 'fluxacct', '*.h'))
                     + glob.glob(os.path.join(incdir, 'fluxacct', '*.h.in')))
    if not headers:
        sys.exit(f'no headers under {incdir}/fluxacct')
    funcs = {}
    for h in headers:
        check_header(h, funcs, None)
    structs = check_structs(funcs)
    if len(sys.argv) > 2:
        text = open(sys.argv[2]).read()
        m = re.search(r'name_regexp = \^fluxacct_\((.*)\)_t\$', text)
        listed = set(m.group(1).split('|')) if m else set()
        versioned = {base for _, _, base in structs}
        for b in sorted(versioned - listed):
            errors.append(f'{sys.argv[2]}: fluxacct_{b}_t is versioned but '
                          'not listed (its growth would fail the abi test)')
        for b in sorted(listed - versioned):
            errors.append(f'{sys.argv[2]}: fluxacct_{b}_t is listed but not '
                          'a versioned struct (its growth would pass the abi '
                          'test unchecked)')
    for e in errors:
        print(e)
    print(f'{len(funcs)} functions, {len(structs)} versioned structs in '
          f'{len(headers)} headers: {len(errors)} problems')
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
