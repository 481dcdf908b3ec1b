-- 管理方 (issue 12): the centre's management and the access parties read the whole centre's
-- dashboards and reports, record nothing and see no caller (`Role::Management`).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('seat', 'supervisor', 'bureau', 'admin', 'system', 'management'));
