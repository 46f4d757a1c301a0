"""The Gemeentetolk glossary: ambtelijke taal <-> ondernemerstaal. Pure Python, no Rasa."""
