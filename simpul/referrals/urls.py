from django.urls import path

from simpul.referrals import external, views

app_name = "referrals"
urlpatterns = [
    path("", views.intake_queue, name="queue"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("escalations/", views.escalations, name="escalations"),
    path("new/<uuid:case_pk>/", views.compose, name="compose"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/act/<slug:action>/", views.referral_act, name="act"),
    path("<uuid:pk>/reassign/", views.referral_reassign, name="reassign"),
    path("organisations/<uuid:org_pk>/record/", views.response_record, name="record"),
    path("r/<str:token>/", external.external_referral, name="external"),
    path("r/<str:token>/done/", external.external_done, name="external_done"),
]
