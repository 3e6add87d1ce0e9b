from . import public_input
