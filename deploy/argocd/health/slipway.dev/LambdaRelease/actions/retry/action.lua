-- Runs a RolledBack or Failed release again, unchanged: spec.retry one above both itself and
-- status.observedRetry (a counter: re-applying the same value asks for nothing more; a value lowered
-- by hand must still end up above the last one handled).
-- Only on a rolled-back or failed release: raised mid-release, it would retry the moment the release
-- rolled back, so elsewhere it changes nothing.
local status = obj.status or {}
if status.phase == "RolledBack" or status.phase == "Failed" then
  local asked = obj.spec.retry or 0
  local handled = status.observedRetry or 0
  if handled > asked then
    asked = handled
  end
  obj.spec.retry = asked + 1
  -- Left set, spec.abort makes the operator refuse the retry: the retry is the user's word that it should run.
  if obj.spec.abort == true then
    obj.spec.abort = false
  end
end
return obj
