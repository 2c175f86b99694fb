"""Words that carry no meaning of their own ("a", "the", "you", "am"): the one list of them.

The abuse phase leaves them out of the words it shows as evidence; the rules' normaliser reads
them as the words around an insult in a sentence spelled out letter by letter ("I a m a n i d i o t").
"""

from __future__ import annotations

# Contractions are also listed without their apostrophe ("im", "youre"): spelled out, "i ' m" is rare.
FUNCTION_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been am
i you he she it we they me him her us them my your his its our their this that these those who whom which what
not no so do does did have has had will would can could should just than then there here up out
such im youre hes shes theyre thats whats""".split()
)
