-- Argo CD health of a slipway.dev CanaryPolicy, from its Valid condition.
-- Argo CD's Lua VM has only the base, table and a reduced os library: no string.* calls here.
local hs = {}
local status = obj.status or {}
local valid = nil
for _, c in ipairs(status.conditions or {}) do
  if c.type == "Valid" then
    valid = c
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
  hs.message = status.summary or "Valid"
elseif valid.status == "False" then
  -- Releases that name an invalid policy cannot start: worth a red mark in Argo CD.
  hs.status = "Degraded"
  hs.message = "Invalid: " .. (valid.message or valid.reason)
else
  hs.status = "Progressing"
  hs.message = valid.message or "Validation pending"
end
return hs
