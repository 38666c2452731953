-- Lifts spec.paused: the step's timer goes on from where the pause stopped it.
obj.spec.paused = false
return obj
