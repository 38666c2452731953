-- Holds the current weight: no step advances and no analysis verdict counts until resumed.
obj.spec.paused = true
return obj
