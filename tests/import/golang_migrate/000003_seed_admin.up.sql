INSERT INTO users (id, email, role, created_at) VALUES (1, 'admin@example.com', 'admin', '2024-01-15 09:30:00+00');
SELECT setval('users_id_seq', 1);
