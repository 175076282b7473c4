"""The parsers: idsets, R, jobspec, durations, timestamps, job ids."""
import math

import pytest

import fluxacct

R = {'version': 1, 'execution': {'R_lite': [
    {'rank': '0-1', 'children': {'core': '0-3', 'gpu': '0'}},
    {'rank': '1-2', 'children': {'core': '0'}}]}}

JOBSPEC = {'version': 1,
           'resources': [{'type': 'node', 'count': 2, 'with': [
               {'type': 'slot', 'count': 3, 'label': 'task', 'with': [
                   {'type': 'core', 'count': 4}]}]}],
           'attributes': {'system': {'duration': 60, 'bank': 'A',
                                     'queue': 'batch'}}}


def test_idset_count():
    assert fluxacct.idset_count('0-3,5') == 5
    assert fluxacct.idset_count('') == 0
    assert fluxacct.idset_count('[1,4294967295]') == 2
    with pytest.raises(fluxacct.InvalidArgument) as e:
        fluxacct.idset_count('0-3,,5')
    assert 'offset 4' in str(e.value)
    with pytest.raises(fluxacct.OutOfRange) as e:
        fluxacct.idset_count('4294967296')
    assert e.value.errno == 34
    assert isinstance(e.value, fluxacct.InvalidArgument)


def test_r_count():
    import json
    for doc in (R, json.dumps(R)):
        assert fluxacct.r_count(doc) == fluxacct.RCount(3, 10, 2)
    with pytest.raises(fluxacct.InvalidArgument) as e:
        fluxacct.r_count({'version': 2})
    assert e.value.strerror.startswith('R')
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.r_count('not json')


def test_jobspec_parse():
    info = fluxacct.jobspec_parse(JOBSPEC)
    assert (info.nnodes, info.ncores, info.ngpus, info.nslots) == (2, 24, 0, 6)
    assert (info.duration, info.bank, info.queue, info.project) == \
        (60.0, 'A', 'batch', None)
    with pytest.raises(fluxacct.InvalidArgument) as e:
        fluxacct.jobspec_parse({'version': 1, 'resources': [
            {'type': 'node', 'count': 0}]})
    assert 'count' in str(e.value)
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.jobspec_parse('{')


def test_fsd():
    assert fluxacct.fsd_parse('1.5m') == 90.0
    assert fluxacct.fsd_parse('2') == 2.0
    assert fluxacct.fsd_parse('inf') == math.inf
    assert fluxacct.fsd_format(3600) == '1h'
    assert fluxacct.fsd_format(0.5) == '500ms'
    assert fluxacct.fsd_format(math.inf) == 'infinity'
    for bad in ('-1s', '1x', '', ' 1s'):
        with pytest.raises(fluxacct.InvalidArgument):
            fluxacct.fsd_parse(bad)
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.fsd_format(-1)
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.fsd_format(math.nan)


def test_time_parse(monkeypatch):
    monkeypatch.setenv('TZ', 'UTC')
    assert fluxacct.time_parse('1735718400.25') == 1735718400.25
    assert fluxacct.time_parse('2025-01-01') == 1735689600
    assert fluxacct.time_parse('2025-01-01T01:00') == 1735693200
    assert fluxacct.time_parse('1/2/2025 00:00:10') == 1735776010
    for bad in ('2025-13-01', 'tomorrow', '2025-01-01Z'):
        with pytest.raises(fluxacct.InvalidArgument):
            fluxacct.time_parse(bad)


def test_jobid():
    assert fluxacct.jobid_parse('1234') == 1234
    assert fluxacct.jobid_parse('0x4d2') == 1234
    assert fluxacct.jobid_parse('job.0000.0000.0000.04d2') == 1234
    assert fluxacct.jobid_parse(fluxacct.jobid_encode(1234)) == 1234
    assert fluxacct.jobid_encode(1234, 'dothex') == '0000.0000.0000.04d2'
    assert fluxacct.jobid_encode(1234, 'f58plain') == 'fNH'
    assert fluxacct.jobid_encode(1234, 'f58') == '\u0192NH'
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.jobid_parse('one')
    with pytest.raises(fluxacct.OutOfRange):
        fluxacct.jobid_parse('99999999999999999999999')
    with pytest.raises(fluxacct.InvalidArgument):
        fluxacct.jobid_encode(1, 'emoji')
    with pytest.raises(OverflowError):
        fluxacct.jobid_encode(-1)
