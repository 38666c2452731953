-- Argo CD health of a slipway.dev LambdaRelease, from its phase (the release state machine).
-- Argo CD's Lua VM has only the base, table and a reduced os library: no string.* calls here.
local hs = {}
local status = obj.status or {}
local phase = status.phase

-- Joins the parts that are present with "; ".
local function join(...)
  local parts = {}
  for i = 1, select("#", ...) do
    local part = select(i, ...)
    if part ~= nil and part ~= "" then
      table.insert(parts, part)
    end
  end
  return table.concat(parts, "; ")
end

-- "step 1/2, 10% on version 5, stable 4", as far as the operator has got.
local function traffic()
  local parts = {}
  if status.stepLabel ~= nil then
    table.insert(parts, "step " .. status.stepLabel)
  end
  if status.weight ~= nil and status.canaryVersion ~= nil then
    table.insert(parts, status.weight .. "% on version " .. status.canaryVersion)
  end
  if status.stableVersion ~= nil then
    table.insert(parts, "stable " .. status.stableVersion)
  end
  return table.concat(parts, ", ")
end

-- Final phases come first: the release will never touch the alias again, so neither a later
-- spec edit (generation) nor spec.paused can change what they mean.
if phase == "Succeeded" then
  hs.status = "Healthy"
  hs.message = join("Succeeded",
    status.canaryVersion and ("version " .. status.canaryVersion .. " serves all traffic"), status.message)
elseif phase == "Superseded" then
  -- Healthy, not Degraded or Progressing: a newer release owns the alias now, and an old
  -- release kept in Git must neither mark the app red nor hold sync waves forever.
  hs.status = "Healthy"
  hs.message = "Superseded by " .. (status.supersededBy or "a newer release")
elseif phase == "RolledBack" or phase == "Failed" then
  hs.status = "Degraded"
  hs.message = join(phase, status.message)
elseif phase == "Paused" or obj.spec.paused == true then
  -- spec.paused counts at once: the user's hold is in effect before the operator writes Paused.
  hs.status = "Suspended"
  hs.message = join("Paused", traffic(), status.message)
elseif phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to start the release"
elseif status.observedGeneration ~= nil and status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
elseif phase == "AwaitingApproval" then
  -- Held at an approval gate until a person sets spec.approvedStep: suspended, as Argo Rollouts'
  -- pause: {}; an approval not yet observed is the generation check above.
  hs.status = "Suspended"
  hs.message = join("AwaitingApproval", traffic(), status.message)
elseif phase == "Pending" or phase == "Progressing" or phase == "Verifying" then
  -- Verifying: all traffic on the new version while its post-traffic hooks run.
  hs.status = "Progressing"
  hs.message = join(phase, traffic(), status.message)
else
  hs.status = "Unknown"
  hs.message = "Unrecognised phase " .. phase
end
return hs
