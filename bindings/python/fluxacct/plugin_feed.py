"""The data the mf_priority.so jobtap plugin is fed, built from the
database tables (flux-accounting's export-json and the rec_* RPC payloads).

libfluxacct has no export-json call yet, so the payloads are assembled here
from the table reads; when the C API gains one, :func:`payloads` should
become a call to it.
"""

__all__ = ['ASSOCIATION_KEYS', 'QUEUE_KEYS', 'RPC_ORDER', 'payloads',
           'rpc_payloads']

#: Keys of a rec_update element, from association_table columns.
ASSOCIATION_KEYS = {
    'userid': 'userid', 'bank': 'bank', 'def_bank': 'default_bank',
    'fairshare': 'fairshare', 'max_running_jobs': 'max_running_jobs',
    'max_active_jobs': 'max_active_jobs', 'queues': 'queues',
    'active': 'active', 'projects': 'projects',
    'def_project': 'default_project', 'max_nodes': 'max_nodes',
    'max_cores': 'max_cores', 'max_sched_jobs': 'max_sched_jobs',
}

#: Keys of a rec_q_update element (queue_table columns of the same names).
QUEUE_KEYS = ('queue', 'min_nodes_per_job', 'max_nodes_per_job',
              'max_time_per_job', 'priority', 'max_running_jobs',
              'max_nodes_per_assoc', 'max_sched_jobs',
              'max_sched_nodes_per_assoc', 'max_sched_cores_per_assoc')

#: The RPCs (job-manager.mf_priority.<name>) in the order they are sent,
#: with the payloads() key each one carries.
RPC_ORDER = (('rec_update', 'associations'), ('rec_q_update', 'queues'),
             ('rec_proj_update', 'projects'), ('rec_bank_update', 'banks'),
             ('rec_fac_update', 'priority_factors'),
             ('rec_config_update', 'config'))


def payloads(db):
    """The export-json object for database `db`: a dict with
    ``associations`` (every association, active or not, as rec_update
    elements), ``queues``, ``projects`` (``[{project}]``), ``banks``
    (``[{bank, priority}]``, active banks), ``priority_factors``
    (``[{factor, weight}]``) and ``config`` (``{deny_unknown_queues}``)."""
    users = db.list_users(fields=list(ASSOCIATION_KEYS.values()))
    return {
        'associations': [{k: u[c] for k, c in ASSOCIATION_KEYS.items()}
                         for u in users],
        'queues': db.list_queues(fields=QUEUE_KEYS),
        'projects': db.list_projects(fields=['project']),
        'banks': db.list_banks(fields=['bank', 'priority']),
        'priority_factors': db.list_factors(fields=['factor', 'weight']),
        'config': {'deny_unknown_queues':
                   db.get_config('deny_unknown_queues').lower() == 'true'},
    }


def rpc_payloads(db):
    """[(rpc name, request payload {"data": ...}), ...] in sending order."""
    p = payloads(db)
    return [(name, {'data': p[key]}) for name, key in RPC_ORDER]
