"""The Gradio web app (applicant chat + staff desk). Kept import-light: gradio is imported in serving.web.app."""
