-- Deadlines may name a session of a body other than the adopting organs (a functional
-- commission, the high-level political forum, ...), and the calendar holds those sessions so
-- that staff can correct them like the Assembly's. Codes as in src/resolution/calendar/body_sessions.csv.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_body_check,
    ADD CONSTRAINT deadlines_body_check CHECK (body IN ('GA', 'SC', 'HRC', 'ECOSOC', 'OTHER', 'ECOSOC-SUB', 'ECOSOC-HLS', 'HLPF', 'HLPF-GA', 'CSW', 'CSocD', 'CPD', 'CND', 'CCPCJ', 'StatCom', 'CSTD', 'UNFF', 'UNPFII', 'WHA', 'UNEA', 'UNDC'));
ALTER TABLE sessions DROP CONSTRAINT sessions_body_check,
    ADD CONSTRAINT sessions_body_check CHECK (body IN ('GA', 'HRC', 'ECOSOC', 'ECOSOC-SUB', 'ECOSOC-HLS', 'HLPF', 'HLPF-GA', 'CSW', 'CSocD', 'CPD', 'CND', 'CCPCJ', 'StatCom', 'CSTD', 'UNFF', 'UNPFII', 'WHA', 'UNEA', 'UNDC'));
