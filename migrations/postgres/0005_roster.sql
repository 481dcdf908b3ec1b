-- Duty rosters (值班管理): who sits at which position in which shift of which day (China time;
-- a shift ending at or before its start runs past midnight).
CREATE TABLE duty_roster (
    day       DATE NOT NULL,
    shift     TEXT NOT NULL,
    starts    TIME NOT NULL,
    ends      TIME NOT NULL,
    position  TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES users (name),
    PRIMARY KEY (day, shift, position)
);
CREATE INDEX duty_roster_by_user ON duty_roster (user_name, day);
