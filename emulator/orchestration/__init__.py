"""Orchestration: schedules (AWS cron expressions), and what starts jobs and crawlers on their own."""
