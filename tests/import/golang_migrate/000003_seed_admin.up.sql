INSERT INTO users (id, email, role) VALUES (1, 'admin@example.com', 'admin');
SELECT setval('users_id_seq', 1);
