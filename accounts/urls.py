from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("staff/sign-in/", views.staff_sign_in, name="staff_sign_in"),
    path("staff/authenticator/", views.enrol, name="enrol"),
    path("staff/correct-iin/", views.correct_iin, name="correct_iin"),
    path("profile/", views.profile, name="profile"),
]
