-- Argo CD health of a slipway.dev CanaryPolicy, from its Valid condition.
-- Argo CD's Lua VM has only the base, table and a reduced os library: no string.* calls here.
local hs = {}
local status = obj.status
local valid = nil
if status ~= nil and status.conditions ~= nil then
  for _, c in ipairs(status.conditions) do
    if c.type == "Valid" then
      valid = c
    end
  end
end

if valid == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to validate the policy"
elseif status.observedGeneration ~= nil and status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to validate generation " .. obj.metadata.generation
elseif valid.status == "True" then
  hs.status = "Healthy"
  hs.message = status.summary or valid.message or "Valid"
elseif valid.status == "False" then
  -- Releases that name an invalid policy cannot start: worth a red mark in Argo CD.
  hs.status = "Degraded"
  hs.message = (valid.reason or "Invalid") .. ": " .. (valid.message or "the policy is invalid")
else
  hs.status = "Progressing"
  hs.message = valid.message or "Validation pending"
end
return hs
