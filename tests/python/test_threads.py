"""Threads: each with its own Database on one file, writing at once."""
import threading

import fluxacct

N = 200


def test_two_threads_concurrent_writes(tree_db, db_path):
    errors = []
    start = threading.Barrier(2)

    def writer(bank, prefix):
        try:
            with fluxacct.Database(db_path) as db:
                start.wait()
                for i in range(N):
                    db.add_user(f'{prefix}{i:04d}', bank, userid=i)
                    if i % 50 == 0:           # mixed with batches
                        with db.batch():
                            db.edit_user(f'{prefix}{i:04d}', shares=3)
        except Exception as e:                # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=writer, args=('A', 'ta')),
               threading.Thread(target=writer, args=('B', 'tb'))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    users = tree_db.list_users()
    names = {u['username'] for u in users}
    for prefix in ('ta', 'tb'):
        assert {f'{prefix}{i:04d}' for i in range(N)} <= names
    assert len(users) == 3 + 2 * N
    assert sum(1 for u in users if u['shares'] == 3) == 2 * (N // 50)


def test_one_database_shared_by_threads(tree_db):
    """Calls on one shared handle are serialised, not interleaved."""
    db = tree_db
    errors = []

    def worker(k):
        try:
            for i in range(100):
                db.add_user(f's{k}-{i}', 'B')
                db.view_user(f's{k}-{i}')
        except Exception as e:                # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(db.list_users(bank='B')) == 1 + 400
