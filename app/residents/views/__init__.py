"""Pages for residents who are hard to reach: the mediators' pages, and a resident's own data."""

from app.residents.views import data, mediators

blueprints = [mediators.bp, data.bp]
