//! Slot scoring against gold annotations, as `shared/eval/score.py`.
//! (Being written: see the eval helper.)
