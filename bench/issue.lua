-- wrk script: POST /api/v1/tickets as the demo kiosk, a new Idempotency-Key per request.
local services = { "residence-permit", "payment-card", "citizens-income", "school-enrolment" }
local counter = 0
local thread_id = 0

function setup(thread)
    thread_id = thread_id + 1
    thread:set("tid", thread_id)
end

function request()
    counter = counter + 1
    local body = string.format('{"services":["%s"],"language":"de"}',
        services[(counter % #services) + 1])
    local headers = {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer demo-kiosk-token",
        ["Idempotency-Key"] = string.format("bench-%s-%d-%d", tostring(tid), counter, math.random(1, 1e9)),
    }
    return wrk.format("POST", "/api/v1/tickets", headers, body)
end

local non_2xx = 0
function response(status, headers, body)
    if status ~= 201 then
        non_2xx = non_2xx + 1
    end
end

-- With WRK_DELAY_MS set, each connection pauses between requests: a paced load instead of
-- saturation (8 connections x 1000/delay requests per second at most).
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
function delay()
    return pause
end
