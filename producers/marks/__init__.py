"""The community-business mark ("Sertifikuotas bendruomeninis verslas"): the VVG's criteria, communities'
applications with evidence, staff's review, grants with their validity, the public register, reminders.

models (versions of criteria, applications, answers, evidence, grants, their histories) · errors ·
criteria (drafting and publishing a version) · evidence (the private, checked upload store) · applying (a
community's side) · reviewing (staff's side: ask for more, grant, refuse, suspend, reinstate, revoke) ·
register (who holds the mark now, computed at read time) · reminders (60 and 14 days before expiry) ·
notices (the mails) · forms · cli (`flask mark remind`).
"""
