"""The bounded in-process cache of rendered charts."""
from render import StepState
from render.cache import RenderCache, cache_key


def test_key_depends_on_every_option_but_not_on_dict_order():
    base = cache_key(b'<x/>', fmt='svg', parameters={'a': 1, 'b': 2}, overlay=None)
    assert base == cache_key(b'<x/>', fmt='svg', parameters={'b': 2, 'a': 1}, overlay=None)
    assert base != cache_key(b'<x/>', fmt='png', parameters={'a': 1, 'b': 2}, overlay=None)
    assert base != cache_key(b'<y/>', fmt='svg', parameters={'a': 1, 'b': 2}, overlay=None)
    with_overlay = cache_key(b'<x/>', fmt='svg', parameters={'a': 1, 'b': 2},
                             overlay={'t': StepState('ready', role='R')})
    assert with_overlay != base
    assert with_overlay != cache_key(b'<x/>', fmt='svg', parameters={'a': 1, 'b': 2},
                                     overlay={'t': StepState('ready', role='S')})


def test_least_recently_used_entry_goes_first():
    cache = RenderCache(max_entries=2)
    cache.put('a', b'1')
    cache.put('b', b'2')
    assert cache.get('a') == b'1'          # a is now the most recent
    cache.put('c', b'3')
    assert cache.get('b') is None and cache.get('a') == b'1' and cache.get('c') == b'3'


def test_byte_budget_bounds_the_cache():
    cache = RenderCache(max_entries=100, max_bytes=10)
    cache.put('a', b'12345')
    cache.put('b', b'12345')
    cache.put('c', b'12345')
    assert len(cache) == 2 and cache.get('a') is None
    cache.put('huge', b'x' * 11)           # larger than the whole budget: not kept
    assert cache.get('huge') is None and len(cache) == 2
    cache.clear()
    assert len(cache) == 0
