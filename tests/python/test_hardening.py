"""Hardening (issue 12) through the binding: the bank depth limit, names,
and finite values are enforced by the library for Python as for the CLI;
a deep in-memory fair-share tree computes without recursion."""
import math

import pytest

import fluxacct


def test_add_bank_chain_stops_at_the_depth_limit(db, cli):
    db.add_bank('root')
    parent = 'root'
    for i in range(1, 100):
        db.add_bank(f'c{i}', parent=parent)
        parent = f'c{i}'
    with pytest.raises(fluxacct.InvalidArgument, match='limit is 100 levels'):
        db.add_bank('too-deep', parent=parent)
    out = cli.run('print-hierarchy', '-P').stdout
    assert len(out.splitlines()) == 101


@pytest.mark.parametrize('name', ['x|y', 'a,b', 'tab\there', 'b' * 256,
                                  'ctl\x1b[31m'])
def test_bad_bank_names(db, name):
    db.add_bank('root')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank(name, parent='root')


@pytest.mark.parametrize('value', [math.inf, -math.inf, 1e300])
def test_bank_priority_is_finite_and_bounded(db, value):
    db.add_bank('root')
    with pytest.raises(fluxacct.InvalidArgument):
        db.add_bank('A', parent='root', priority=value)


def test_half_life_bounds(db):
    with pytest.raises(fluxacct.InvalidArgument, match='decay periods'):
        db.edit_config('priority_decay_half_life', '100s')
    with pytest.raises(fluxacct.InvalidArgument, match='from 60 s'):
        db.edit_config('priority_decay_half_life', '1e-300')
    # the library takes seconds (or a duration); bare weeks are the CLI's
    db.edit_config('priority_decay_half_life', '1209600')
    assert db.get_config('priority_decay_half_life') == '1209600'


def test_deep_fairshare_tree_in_memory():
    t = fluxacct.FairShareTree()
    t.add_bank('root')
    parent = 'root'
    for i in range(5000):
        t.add_bank(f'c{i}', parent=parent)
        parent = f'c{i}'
    t.add_user('u', parent, usage=1.0)
    t.compute()
    assert t.find_user('u', parent).fairshare == 1.0
