-- Rolls back now: all traffic to the stable version, phase RolledBack (reason Aborted).
obj.spec.abort = true
return obj
